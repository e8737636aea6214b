-- The state of each municipality's search entries (issue 17 §4): a fresh random token whenever a
-- statement writes any of them, so a process holding an in-memory index of a large municipality's
-- entries (directory/search-memory.ts) can tell by one key lookup whether it is current. The data
-- version would not do: every contact or case recorded in the municipality raises it, and the
-- index of the largest generated municipality takes seconds to build. Statement-level triggers,
-- so a generator batch of 50 entries or a refresh of 2,000 is one upsert; rows in municipality
-- order, so concurrent statements lock them in the same order.
CREATE TABLE "search_entry_state" (
	"municipality_id" uuid PRIMARY KEY NOT NULL,
	"token" uuid NOT NULL
);
--> statement-breakpoint
CREATE FUNCTION search_entry_state_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		UPDATE search_entry_state SET token = gen_random_uuid();
		RETURN NULL;
	END IF;
	EXECUTE format($q$
		insert into search_entry_state (municipality_id, token)
		select m, gen_random_uuid() from (%s) x(m) group by m order by m
		on conflict (municipality_id) do update set token = excluded.token$q$,
		case TG_OP
			when 'INSERT' then 'select municipality_id from new_rows'
			when 'DELETE' then 'select municipality_id from old_rows'
			else 'select municipality_id from old_rows union all select municipality_id from new_rows' end);
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER search_entry_state_insert AFTER INSERT ON search_entry REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_entry_state_touch();
--> statement-breakpoint
CREATE TRIGGER search_entry_state_update AFTER UPDATE ON search_entry REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_entry_state_touch();
--> statement-breakpoint
CREATE TRIGGER search_entry_state_delete AFTER DELETE ON search_entry REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_entry_state_touch();
--> statement-breakpoint
CREATE TRIGGER search_entry_state_truncate AFTER TRUNCATE ON search_entry FOR EACH STATEMENT EXECUTE FUNCTION search_entry_state_touch();
--> statement-breakpoint
INSERT INTO search_entry_state (municipality_id, token) SELECT m, gen_random_uuid() FROM (SELECT DISTINCT municipality_id FROM search_entry) x(m);
