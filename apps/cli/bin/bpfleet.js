#!/usr/bin/env node
// A committed entry point rather than dist/main.js itself: npm links and marks executable a `bin` when it
// installs, which in the repository happens before the build has written dist/.
import '../dist/main.js';
