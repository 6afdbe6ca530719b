// drizzle-kit: `npx drizzle-kit generate` writes SQL migrations from src/db/schema.ts into drizzle/.
// The same SQL runs on PGlite and PostgreSQL, applied at start by src/db/client.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  strict: true,
});
