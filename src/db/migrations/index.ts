// The migrations, in order. A static list (no directory scan) so that a bundle or a compiled
// build carries exactly these, and a rename cannot reorder them.
import type { Migration } from 'kysely';
import * as coreTables from './0001-core-tables.js';
import * as auth from './0002-auth.js';
import * as state from './0003-state.js';
import * as searchIndex from './0004-search-index.js';
import * as revisionBefore from './0005-revision-before.js';
import * as recoveryCodeHashes from './0006-recovery-code-hashes.js';
import * as dataVersion from './0007-data-version.js';
import * as searchColumn from './0008-search-column.js';

export const migrations: Record<string, Migration> = {
  '0001-core-tables': coreTables,
  '0002-auth': auth,
  '0003-state': state,
  '0004-search-index': searchIndex,
  '0005-revision-before': revisionBefore,
  '0006-recovery-code-hashes': recoveryCodeHashes,
  '0007-data-version': dataVersion,
  '0008-search-column': searchColumn,
};
