// Vendored standard examples (.jsonld) are read as text with Vite's `?raw`.
declare module "*?raw" {
  const text: string;
  export default text;
}
