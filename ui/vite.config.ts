/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the UI with hot reload and forwards /api to a running `hookscope serve`
// (HOOKSCOPE_API, default http://127.0.0.1:8788); open it with ?token=… as `serve` prints.
const api = process.env.HOOKSCOPE_API ?? "http://127.0.0.1:8788";

export default defineConfig({
  plugins: [react()],
  base: "./",
  build: {
    target: "es2022",
    // The CSP forbids inline scripts and styles: keep every asset a file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { "/api": { target: api, changeOrigin: true } },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
