-- creditd schema, version 7: teams (seed 003's tenants). A team is an account of kind 'team'
-- with a name, members with roles, and invitations by e-mail address.

CREATE TABLE teams (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE team_members (
  account_id INTEGER NOT NULL REFERENCES teams (account_id),
  user_id    INTEGER NOT NULL REFERENCES users (id),
  role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- Pending while accepted_at is NULL; one pending invitation per team and address.
CREATE TABLE team_invitations (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES teams (account_id),
  email       TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  invited_by  INTEGER NOT NULL REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  accepted_at INTEGER
);
CREATE UNIQUE INDEX team_invitations_pending ON team_invitations (account_id, email)
  WHERE accepted_at IS NULL;
CREATE INDEX team_invitations_email ON team_invitations (email);
