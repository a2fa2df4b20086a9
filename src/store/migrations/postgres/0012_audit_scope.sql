-- Which structure and département an audit row concerns, so that a ROC can read the log of
-- their départements. Written by store::audit (src/store/audit_scope.cpp: from the entity, or
-- given by the caller when the record is deleted in the same transaction). Rows written before
-- this migration are filled below from the same rules, for the records that still exist.
ALTER TABLE audit_log ADD COLUMN structure_id BIGINT;
ALTER TABLE audit_log ADD COLUMN departement TEXT;
CREATE INDEX audit_log_departement ON audit_log (departement, id);
CREATE INDEX audit_log_structure ON audit_log (structure_id, id);
CREATE INDEX audit_log_user ON audit_log (user_login, id);

UPDATE audit_log SET structure_id = (SELECT s.id FROM structures s WHERE CAST(s.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'structure';
UPDATE audit_log SET structure_id = (SELECT t.structure_id FROM aci_contracts t WHERE CAST(t.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'aci_contract';
UPDATE audit_log SET structure_id = (SELECT t.structure_id FROM association_assemblies t WHERE CAST(t.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'association_assembly';
UPDATE audit_log SET structure_id = (SELECT t.structure_id FROM association_groups t WHERE CAST(t.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'association_group';
UPDATE audit_log SET structure_id = (SELECT t.structure_id FROM association_meetings t WHERE CAST(t.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'association_meeting';
UPDATE audit_log SET structure_id = (SELECT t.structure_id FROM association_members t WHERE CAST(t.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'association_member';
UPDATE audit_log SET structure_id = (SELECT t.structure_id FROM association_time_entries t WHERE CAST(t.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'association_time_entry';
UPDATE audit_log SET structure_id = (SELECT t.structure_id FROM roster_campaigns t WHERE CAST(t.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'roster_campaign';
UPDATE audit_log SET structure_id = (SELECT c.structure_id FROM roster_slots t JOIN roster_campaigns c ON c.id = t.campaign_id
  WHERE CAST(t.id AS TEXT) = audit_log.entity_id) WHERE entity = 'roster_slot';
UPDATE audit_log SET structure_id = (SELECT c.structure_id FROM roster_members t JOIN roster_campaigns c ON c.id = t.campaign_id
  WHERE CAST(t.id AS TEXT) = audit_log.entity_id) WHERE entity = 'roster_member';
UPDATE audit_log SET structure_id = (SELECT c.structure_id FROM roster_jobs t JOIN roster_campaigns c ON c.id = t.campaign_id
  WHERE CAST(t.id AS TEXT) = audit_log.entity_id) WHERE entity = 'roster_job';
UPDATE audit_log SET structure_id = (SELECT c.structure_id FROM roster_swaps t JOIN roster_campaigns c ON c.id = t.campaign_id
  WHERE CAST(t.id AS TEXT) = audit_log.entity_id) WHERE entity = 'roster_swap';
UPDATE audit_log SET structure_id = (SELECT c.structure_id FROM dialogue_workspaces w JOIN aci_contracts c ON c.id = w.contract_id
  WHERE CAST(w.id AS TEXT) = audit_log.entity_id) WHERE entity = 'dialogue_workspace';
UPDATE audit_log SET structure_id = (SELECT c.structure_id FROM dialogue_fiches f JOIN dialogue_workspaces w ON w.id = f.workspace_id
  JOIN aci_contracts c ON c.id = w.contract_id WHERE CAST(f.id AS TEXT) = audit_log.entity_id) WHERE entity = 'dialogue_fiche';
UPDATE audit_log SET structure_id = (SELECT s.id FROM structures s WHERE CAST(s.id AS TEXT) = split_part(audit_log.entity_id, '/', 1))
  WHERE entity = 'association_rate';
UPDATE audit_log SET departement = (SELECT s.departement FROM structures s WHERE s.id = audit_log.structure_id)
  WHERE structure_id IS NOT NULL;
UPDATE audit_log SET departement = (SELECT p.departement FROM sector_plans p WHERE CAST(p.id AS TEXT) = audit_log.entity_id)
  WHERE entity = 'sector_plan';
