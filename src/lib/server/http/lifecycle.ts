/**
 * The process's state for health checks: `ready` once start-up has finished, `draining` after
 * SIGTERM while the requests in flight finish (a load balancer stops sending new ones).
 */
export const lifecycle = { ready: false, draining: false };
