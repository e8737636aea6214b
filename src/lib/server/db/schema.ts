/** All tables, gathered for Drizzle's relational queries and drizzle-kit. Each module owns its own. */
export * from '../geography/schema';
export * from '../instances/schema';
export * from '../accounts/schema';
export * from '../audit/schema';
export * from '../directory/schema';
export * from '../casework/schema';
export * from '../steering/schema';
