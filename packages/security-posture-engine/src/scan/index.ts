export * from './parse';
export * from './detect';
export * from './files';
export * from './scan';
export * from './normalizers';
