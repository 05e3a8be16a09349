-- The WebDAV core: accounts, the resource tree, dead properties and locks.

CREATE TABLE accounts (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL UNIQUE,     -- fixed at creation: part of every URL
  password_hash text NOT NULL,            -- Argon2id encoded string
  is_admin      boolean NOT NULL DEFAULT false,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per stored thing below /dav/: principals, homes, collections and
-- their members. `path` is the full decoded path ("/files/alice/a/b.txt"),
-- unique, compared byte-wise so that the descendants of P are exactly the
-- range [P || '/', P || '0') of the unique index.
CREATE TABLE resources (
  id            bigserial PRIMARY KEY,
  owner_id      bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  parent_id     bigint REFERENCES resources(id) ON DELETE CASCADE,
  path          text COLLATE "C" NOT NULL UNIQUE,
  name          text COLLATE "C" NOT NULL,
  kind          text NOT NULL CHECK (kind IN
                  ('principal', 'files-home', 'calendar-home', 'addressbook-home',
                   'collection', 'file')),
  is_collection boolean NOT NULL,
  content       bytea,                    -- NULL for collections
  content_type  text,
  etag          text,                     -- 32 hex digits of SHA-256(content); NULL for collections
  size          bigint NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  modified_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((parent_id IS NULL) = (kind IN ('principal', 'files-home', 'calendar-home',
                                         'addressbook-home')))
);
-- Members of a collection in name order: keyset paging for PROPFIND Depth 1.
-- Also the index of the parent_id foreign key.
CREATE UNIQUE INDEX resources_parent_name ON resources (parent_id, name);
CREATE INDEX resources_owner ON resources (owner_id);

-- Dead properties (RFC 4918 §4.5), stored as the whole serialised element.
CREATE TABLE dead_properties (
  resource_id bigint NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  namespace   text NOT NULL,
  name        text NOT NULL,
  xml         text NOT NULL,
  PRIMARY KEY (resource_id, namespace, name)
);

-- Write locks (RFC 4918 §6). The lock root is a resource row: a LOCK on an
-- unmapped URL creates an empty resource first (RFC 4918 §7.3).
CREATE TABLE locks (
  token           text PRIMARY KEY,
  resource_id     bigint NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  owner_id        bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  exclusive       boolean NOT NULL,
  depth_infinity  boolean NOT NULL,
  owner_xml       text NOT NULL DEFAULT '',
  timeout_seconds bigint NOT NULL,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locks_resource ON locks (resource_id);
CREATE INDEX locks_owner ON locks (owner_id);
