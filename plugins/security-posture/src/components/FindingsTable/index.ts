export { FindingsTable, FINDINGS_CSV_COLUMNS } from './FindingsTable';
