import Database from 'better-sqlite3';

/**
 * An rpm sqlite database (rpmdb.sqlite, as Fedora, RHEL 9 and Azure Linux 3 keep it) holding these
 * header blobs, as its file's bytes. `wal`: the header marks the file as in WAL mode, as a live
 * system's copy is.
 */
export function sqliteRpmdb(blobs: readonly Buffer[], wal = false): Buffer {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  for (const b of blobs) insert.run(b);
  const buf = db.serialize();
  db.close();
  if (wal) {
    buf[18] = 2;
    buf[19] = 2;
  }
  return buf;
}
