// XML parsed by a real parser (Chromium's DOMParser), for tests of files other tools will read.
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/** The document's root element as plain data; throws with the parser's message if the XML is not well-formed. */
export async function parseXml(text: string, browser?: Browser): Promise<XmlElement> {
  const owned = browser ?? (await launchBrowser());
  try {
    const page = await owned.newPage();
    try {
      // A string, not a function: tsx would wrap a function's inner functions in a helper the page lacks.
      return (await page.evaluate(`(${PARSE_IN_PAGE})(${JSON.stringify(text)})`)) as XmlElement;
    } finally {
      await page.close();
    }
  } finally {
    if (!browser) await owned.close();
  }
}

const PARSE_IN_PAGE = `function (source) {
  const document = new DOMParser().parseFromString(source, 'application/xml');
  const error = document.getElementsByTagName('parsererror')[0];
  if (error) throw new Error('not well-formed XML: ' + error.textContent);
  const convert = (element) => ({
    name: element.tagName,
    attributes: Object.fromEntries([...element.attributes].map((a) => [a.name, a.value])),
    text: element.textContent || '',
    children: [...element.children].map(convert),
  });
  return convert(document.documentElement);
}`;
