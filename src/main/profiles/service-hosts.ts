// The hosts a profile points at: the desktop shell lets links to them open in the system
// browser (electron/url-policy.ts), besides GitHub and documentation.
function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** Hosts of the configured services (GitHub or GitHub Enterprise, OpenAI, the team's HTTP services). */
export function serviceHostsOf(profiles: readonly { githubApiUrl: string; openaiBaseUrl: string; httpServices: readonly { url: string }[] }[]): string[] {
  const hosts = new Set<string>();
  for (const p of profiles) {
    for (const raw of [p.githubApiUrl, p.openaiBaseUrl, ...p.httpServices.map((s) => s.url)]) {
      const u = parse(raw);
      if (!u) continue;
      hosts.add(u.hostname.toLowerCase());
      // api.github.com's pages live on github.com; a GitHub Enterprise API is on its own host.
      if (u.hostname === 'api.github.com') hosts.add('github.com');
    }
  }
  return [...hosts];
}
