/** Fixture files are imported as text through Vite's `?raw` suffix (no node:fs in lib/engine). */
declare module "*?raw" {
  const content: string;
  export default content;
}
