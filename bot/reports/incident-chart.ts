import type { ChatImage } from '../../graphs/chat-port.ts';

export interface DayCount {
  /** YYYY-MM-DD (UTC). */
  day: string;
  count: number;
}

const WIDTH = 640;
const HEIGHT = 280;
const TOP = 48;
const BOTTOM = 44;
const SIDE = 24;
export const BAR_COLOUR = '#2563eb';
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The incidents-per-day chart as SVG: one bar per day, its count above it, the weekday and date below. */
export function incidentChartSvg(days: readonly DayCount[], title: string): string {
  const slot = (WIDTH - 2 * SIDE) / Math.max(1, days.length);
  const barWidth = Math.max(4, slot * 0.6);
  const max = Math.max(1, ...days.map((day) => day.count));
  const plot = HEIGHT - TOP - BOTTOM;
  const bars = days.map((day, index) => {
    const height = Math.round((day.count / max) * plot);
    const x = SIDE + index * slot + (slot - barWidth) / 2;
    const centre = x + barWidth / 2;
    const date = new Date(`${day.day}T00:00:00Z`);
    return [
      height > 0
        ? `<rect x="${x.toFixed(1)}" y="${TOP + plot - height}" width="${barWidth.toFixed(1)}" height="${height}" rx="3" fill="${BAR_COLOUR}"/>`
        : '',
      `<text x="${centre.toFixed(1)}" y="${TOP + plot - height - 6}" font-size="13" text-anchor="middle" fill="#111827">${day.count}</text>`,
      `<text x="${centre.toFixed(1)}" y="${HEIGHT - BOTTOM + 18}" font-size="12" text-anchor="middle" fill="#374151">${weekdays[date.getUTCDay()]}</text>`,
      `<text x="${centre.toFixed(1)}" y="${HEIGHT - BOTTOM + 34}" font-size="11" text-anchor="middle" fill="#6b7280">${day.day.slice(5)}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${SIDE}" y="28" font-size="16" font-weight="bold" fill="#111827">${escapeXml(title)}</text>`,
    `<line x1="${SIDE}" y1="${TOP + plot + 0.5}" x2="${WIDTH - SIDE}" y2="${TOP + plot + 0.5}" stroke="#d1d5db"/>`,
    ...bars,
    '</svg>',
  ].join('');
}

/**
 * The chart as a PNG for Signal and Mattermost, rendered by resvg with the system's fonts (the image
 * installs DejaVu). Without fonts the bars still draw; the message text carries the numbers anyway.
 * resvg is loaded on the first chart, not at start-up: it is resident memory a report needs once a week.
 */
export async function incidentChartPng(days: readonly DayCount[], title: string): Promise<ChatImage> {
  const { Resvg } = await import('@resvg/resvg-js');
  const rendered = new Resvg(incidentChartSvg(days, title), {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  }).render();
  return {
    filename: 'incidents-per-day.png',
    contentType: 'image/png',
    base64: rendered.asPng().toString('base64'),
    alt: `${title}: ${days.map((day) => `${day.day} ${day.count}`).join(', ')}`,
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
