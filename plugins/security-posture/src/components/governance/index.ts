export { AdjustedScoreText, exemptionGain } from './AdjustedScore';
export { ChangeItem, ChangeList } from './ChangeList';
export {
  ExemptionDebtTable,
  ExemptionStateChip,
  TeamExemptionDebt,
} from './ExemptionDebt';
export { ExemptionsTab } from './ExemptionsTab';
export { FixWithTemplateButton } from './FixWithTemplateButton';
export { RegressionsCard } from './RegressionsCard';
export { ResponseTab } from './ResponseTab';
export {
  describeTarget,
  TargetCard,
  TargetChip,
  TeamTargetChip,
} from './TargetStatus';
export { TeamResponseCard } from './TeamResponseCard';
