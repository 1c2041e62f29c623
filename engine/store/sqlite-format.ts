// The store file's layout across versions. Until this one, kv_current held every live key's
// value, a second copy of its newest kv_log row; now kv_head holds only the key's revisions and
// reads join the log row at mod_rev, so each write stores its value once. kv_current stays as a
// view over the two, with triggers, so a Skiff of the old layout that opens the file (a
// downgrade) reads and writes the same data instead of starting an empty table beside it.
import type { Database } from 'better-sqlite3';

const CURRENT_VIEW = `
CREATE VIEW kv_current AS
  SELECT h.key AS key, l.value AS value, h.create_rev AS create_rev, h.mod_rev AS mod_rev
  FROM kv_head h JOIN kv_log l ON l.rev = h.mod_rev;
CREATE TRIGGER kv_current_insert INSTEAD OF INSERT ON kv_current
  BEGIN INSERT INTO kv_head (key, create_rev, mod_rev) VALUES (NEW.key, NEW.create_rev, NEW.mod_rev); END;
CREATE TRIGGER kv_current_update INSTEAD OF UPDATE ON kv_current
  BEGIN UPDATE kv_head SET mod_rev = NEW.mod_rev WHERE key = OLD.key; END;
CREATE TRIGGER kv_current_delete INSTEAD OF DELETE ON kv_current
  BEGIN DELETE FROM kv_head WHERE key = OLD.key; END;
`;

/** Brings a file of the old layout (kv_current a table) to this one; kv_head and kv_log exist. */
export function migrateCurrentTable(db: Database): void {
  const row = db.prepare("SELECT type FROM sqlite_master WHERE name = 'kv_current'").get() as { type: string } | undefined;
  if (row?.type === 'view') return;
  db.transaction(() => {
    if (row?.type === 'table') {
      // Every live key's value is its log row at mod_rev (compaction keeps it); should one be
      // missing all the same, it is written there first, so no value is lost.
      db.exec(`
        INSERT INTO kv_log (rev, key, deleted, value, create_rev, prev_mod_rev)
          SELECT c.mod_rev, c.key, 0, c.value, c.create_rev, 0 FROM kv_current c
          WHERE NOT EXISTS (SELECT 1 FROM kv_log l WHERE l.rev = c.mod_rev);
        INSERT INTO kv_head (key, create_rev, mod_rev) SELECT key, create_rev, mod_rev FROM kv_current;
        DROP TABLE kv_current;`);
    }
    db.exec(CURRENT_VIEW);
  })();
}
