export { GroupSecurityPostureContent } from './GroupSecurityPostureContent';
