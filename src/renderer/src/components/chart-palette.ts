/** The theme's colours for canvas charts (uPlot draws outside CSS, so it reads the variables once per draw). */
export function chartPalette(): { accent: string; muted: string; healthy: string; degraded: string; down: string } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { accent: v('--accent', '#2f6fd6'), muted: v('--text-muted', '#888'), healthy: v('--status-healthy', '#2a8'), degraded: v('--status-degraded', '#c80'), down: v('--status-down', '#c33') };
}
