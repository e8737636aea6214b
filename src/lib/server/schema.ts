/** All tables, gathered for drizzle-kit (migrations). Each module owns its own tables. */
export * from './core/schema';
export * from './geography/schema';
export * from './instances/schema';
export * from './accounts/schema';
export * from './audit/schema';
export * from './directory/schema';
export * from './casework/schema';
export * from './steering/schema';
export * from './networks/schema';
export * from './volunteering/schema';
export * from './hosting/schema';
export * from './participation/schema';
