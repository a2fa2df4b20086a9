-- Placeholder on the `projet` branch only: migration 0008 belongs to the association store,
-- developed on another branch. Migrations must run without gaps, so this empty file lets the
-- projet de santé tables take 0009. At merge, take the association branch's file instead.
SELECT 1;
