export { securityPostureApiRef } from './SecurityPostureApi';
export type {
  EntityName,
  FindingsQuery,
  SecurityPostureApi,
} from './SecurityPostureApi';
export { SecurityPostureClient } from './SecurityPostureClient';
