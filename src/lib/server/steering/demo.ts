/**
 * Steuerung's demo (issue 5): needs reports with their history, programmes with deadlines and
 * the self-assessment catalogue, and typical offers that make every coverage class visible.
 * Idempotent. Needs the geography, instances, directory and casework demos.
 */
import type { Db } from '../db/client';
import { loadCoverageDemo } from './demo-coverage';
import { loadNeedsDemo } from './demo-needs';
import { loadSteeringProgrammesDemo } from './demo-programmes';

/** Loads what is missing of the steering demo. */
export async function loadSteeringDemo(db: Db): Promise<void> {
	await loadNeedsDemo(db);
	await loadSteeringProgrammesDemo(db);
	await loadCoverageDemo(db);
}
