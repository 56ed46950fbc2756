export * from './defaultScorecard';
export * from './config';
export * from './resourceIndex';
export * from './evaluate';
export * from './exemptions';
export * from './modelVersion';
export * from './score';
export * from './engine';
