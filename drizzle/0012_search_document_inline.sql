-- Search documents stay in the row, uncompressed (issue 12 §1, search p95 at 100,000 offers): a
-- document of 2-6 KB was moved to the TOAST table and read back and decompressed for every matching
-- entry of every search. Rows are rewritten when their documents are rebuilt (INDEX_VERSION 3).
ALTER TABLE "search_entry" ALTER COLUMN "document" SET STORAGE MAIN;--> statement-breakpoint
ALTER TABLE "search_entry" SET (toast_tuple_target = 8160);
