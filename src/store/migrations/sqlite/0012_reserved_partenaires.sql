-- Placeholder on branch anim-enquetes only: migration 0012 belongs to the anim-partenaires branch
-- (issue 18 items 1-2), merged separately. Migration numbers must run without gaps, so this
-- branch carries an empty 0012 to build; drop this file at merge.
SELECT 1;
