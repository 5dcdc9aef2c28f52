/**
 * The one Octokit method the App's readers and writers use, as a port: tests and replays can hand
 * in anything that speaks GitHub's REST routes. Probot's `context.octokit.request` fits.
 */
export type GitHubRequest = (route: string, params?: Record<string, unknown>) => Promise<{ data: unknown }>;
