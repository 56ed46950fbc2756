/**
 * Types, scoring math and permissions shared by the Security Posture plugins.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './score';
export * from './api';
export * from './permissions';
export * from './fixTemplates';
