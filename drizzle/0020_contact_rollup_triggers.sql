-- Monthly contact roll-ups (issue 17): contact_rollup kept current by statement-level triggers on
-- counselling_contact, and a backfill from the contacts already there.
--
-- contact_dimensions: the (dimension, value) pairs one contact counts for — the dimensions of
-- contact_aggregate (schema.ts): total, channel, language, interpreter, each distinct theme
-- field, sub-topic and unmet topic, the social space when known, and attr:<key> per attribute.
-- The retention fold (retention.ts) and the triggers both count with it.
CREATE FUNCTION contact_dimensions(channel text, language text, interpreter boolean, theme_fields text[], sub_topics text[], unmet_topics text[], social_space uuid, attributes jsonb)
RETURNS TABLE (dimension text, value text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	select 'total', 'all'
	union all select 'channel', channel
	union all select 'language', language
	union all select 'interpreter', case when interpreter then 'yes' else 'no' end
	union all select distinct 'theme_field', t from unnest(theme_fields) t
	union all select distinct 'sub_topic', t from unnest(sub_topics) t
	union all select distinct 'unmet_topic', t from unnest(unmet_topics) t
	union all select 'social_space', social_space::text where social_space is not null
	union all select 'attr:' || a.key, a.value from jsonb_each_text(attributes) a
$$;
--> statement-breakpoint
-- contact_rollup_apply: the trigger function. It counts the statement's rows (new_rows +1,
-- old_rows -1; an update moves counts only where a counted column changed) per instance,
-- district, month (Europe/Berlin) and dimension value, lowers existing rows, inserts or raises
-- the others in key order, and deletes rows that reach zero. A lowered row already gone (its
-- instance or municipality deleted in the same cascade) changes nothing.
CREATE FUNCTION contact_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	source text := case TG_OP
		when 'INSERT' then 'select c.*, 1 as sign from new_rows c'
		when 'DELETE' then 'select c.*, -1 as sign from old_rows c'
		else 'select c.*, -1 as sign from old_rows c union all select c.*, 1 from new_rows c' end;
BEGIN
	EXECUTE format($q$
		with delta as (
			select (array_agg(c.municipality_id))[1] as municipality_id, c.instance_id, c.district_id,
				date_trunc('month', c.contacted_at at time zone 'Europe/Berlin')::date as month, d.dimension, d.value, sum(c.sign)::int as n
			from (%s) c
			cross join lateral contact_dimensions(c.channel, c.language, c.interpreter_needed, c.theme_fields, c.sub_topics, c.unmet_topics, c.social_space_id, c.attributes) d
			group by c.instance_id, c.district_id, 4, d.dimension, d.value
			having sum(c.sign) <> 0
		), lowered as (
			update contact_rollup r set count = r.count + d.n from delta d
			where d.n < 0 and r.instance_id = d.instance_id and r.month = d.month and r.dimension = d.dimension and r.value = d.value
				and r.district_id is not distinct from d.district_id
		)
		insert into contact_rollup (municipality_id, instance_id, district_id, month, dimension, value, count)
		select municipality_id, instance_id, district_id, month, dimension, value, n from delta where n > 0
		order by instance_id, month, dimension, value, district_id
		on conflict on constraint contact_rollup_key do update set count = contact_rollup.count + excluded.count$q$, source);
	IF TG_OP <> 'INSERT' THEN
		DELETE FROM contact_rollup r WHERE r.count = 0 AND r.instance_id IN (SELECT DISTINCT o.instance_id FROM old_rows o);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER contact_rollup_insert AFTER INSERT ON counselling_contact REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_rollup_apply();
--> statement-breakpoint
CREATE TRIGGER contact_rollup_update AFTER UPDATE ON counselling_contact REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_rollup_apply();
--> statement-breakpoint
CREATE TRIGGER contact_rollup_delete AFTER DELETE ON counselling_contact REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_rollup_apply();
--> statement-breakpoint
-- Backfill: the contacts recorded before this migration.
INSERT INTO contact_rollup (municipality_id, instance_id, district_id, month, dimension, value, count)
SELECT (array_agg(c.municipality_id))[1], c.instance_id, c.district_id, date_trunc('month', c.contacted_at at time zone 'Europe/Berlin')::date, d.dimension, d.value, count(*)::int
FROM counselling_contact c
CROSS JOIN LATERAL contact_dimensions(c.channel, c.language, c.interpreter_needed, c.theme_fields, c.sub_topics, c.unmet_topics, c.social_space_id, c.attributes) d
GROUP BY c.instance_id, c.district_id, 4, d.dimension, d.value;
