// The data files' types and the few pure helpers the pages need, from core (the single definition).
export type * from '../../../core/site/site-model.ts';
export { CELL_STATUSES, SITE_DATA_FORMAT, controlFileId, recordAnchor } from '../../../core/site/site-model.ts';
