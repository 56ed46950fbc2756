export * from './resource';
export * from './check';
