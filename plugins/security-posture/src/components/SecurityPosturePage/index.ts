export { SecurityPosturePage } from './SecurityPosturePage';
export { SecurityPostureContent } from './SecurityPostureContent';
