-- The four service databases (portal-migrate would also create missing ones; this keeps a
-- fresh volume complete even before the first migration).
CREATE DATABASE portal_identity;
CREATE DATABASE portal_ledger;
CREATE DATABASE portal_declarations;
CREATE DATABASE portal_notifications;
