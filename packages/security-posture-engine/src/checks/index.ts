export * from './builtin';
export * from './overrides';
export * from './validate';
export * from './policies';
