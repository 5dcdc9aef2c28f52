import type { Browser } from 'playwright-core';
import { SiteError } from '../../core/site/site-codes.js';

/**
 * Opens url in a fresh browser context (JavaScript off: the packet is plain HTML and CSS) and prints
 * it to a PDF file with the page's print CSS (A4 unless the page's @page says otherwise). Answers
 * with the HTTP status and the PDF's size in bytes; a status other than 200 prints nothing and throws.
 *
 * @example
 * await renderPdf(browser, { url: 'http://127.0.0.1:8123/clinics/a/packet/2026-03/', path: 'a.pdf' });
 */
export async function renderPdf(browser: Browser, options: { url: string; path: string; timeoutMs?: number }): Promise<{ bytes: number }> {
  const context = await browser.newContext({ javaScriptEnabled: false, offline: false });
  try {
    const page = await context.newPage();
    const response = await page.goto(options.url, { waitUntil: 'load', timeout: options.timeoutMs ?? 60_000 });
    if (!response || response.status() !== 200) {
      throw new SiteError('SITE_PAGE_NOT_FOUND', `the page ${options.url} answered ${response?.status() ?? 'nothing'}`, {
        hint: 'Check that the site was built with this clinic and month.', data: { url: options.url },
      });
    }
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ path: options.path, printBackground: true, preferCSSPageSize: true, format: 'A4', outline: true, tagged: true });
    return { bytes: pdf.length };
  } finally {
    await context.close();
  }
}
