// Mocha root hooks of the UI suite: one Chromium for the whole run (each test file opens its own
// page through useWorkbench()).
import { closeBrowser } from './workbench';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeBrowser();
  },
};
