/** `import text from "file?raw"`: the file's content as a string (vite, and esbuild's raw-text plugin). */
declare module "*?raw" {
  const content: string;
  export default content;
}
