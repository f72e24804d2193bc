"""What the tests, the benchmarks and the scripts run the app with: headless Chromium, a stand-in
Flowise server (wire) and a stand-in LLM for a real Flowise."""
