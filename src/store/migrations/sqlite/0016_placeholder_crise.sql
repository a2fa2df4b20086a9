-- Placeholder of the crise branch: migration 0016 belongs to another branch of this session, and
-- the migration list must run without a hole. The lead drops this file at merge (0017_crise then
-- follows the real 0016).
SELECT 1;
