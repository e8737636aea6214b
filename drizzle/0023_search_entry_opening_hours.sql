-- "Open now" in the search (issue 17 §4): the opening slots were tested (a jsonpath) on every
-- entry of the municipality, each row read with its search document, so at the largest generated
-- municipality (63,649 entries) "open now" without words read 38,800 pages. The hours of the week
-- an entry's slots touch are indexed as `<municipality id>:<ISO weekday × 24 + hour>` (Europe/Berlin
-- wall time as stored; keyed by municipality so that a small municipality's search never walks the
-- whole Land's entries open at that hour); the search asks for the current hour and tests the
-- exact minutes and validity dates only on those entries. Slots are `[weekday, opensMinute,
-- closesMinute, validFrom, validTo, appointmentOnly]` (directory/schema.ts); a slot 09:45–10:15
-- touches hours 9 and 10.
CREATE OR REPLACE FUNCTION "search_opening_hours"(municipality uuid, slots jsonb) RETURNS text[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$
		SELECT coalesce(array_agg(DISTINCT municipality::text || ':' || ((s->>0)::int * 24 + h)), '{}')
		FROM jsonb_array_elements(slots) s, generate_series(((s->>1)::int) / 60, ((s->>2)::int - 1) / 60) h
	$$;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_entry_opening_hours_idx" ON "search_entry" USING gin (search_opening_hours("municipality_id", "opening_slots"));
