import { removeTempDirs } from './temp-dirs';

// Runs after each test file (jest setupFilesAfterEnv): a test run leaves the temp directory as it found it.
afterAll(removeTempDirs);
