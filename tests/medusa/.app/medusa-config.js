// Medusa 2 configuration for procure's integration-test server.
// Everything comes from the environment that tests/medusa/setup.sh sets;
// the admin dashboard is disabled (only the HTTP API is used).
const { defineConfig } = require("@medusajs/framework/utils")

const port = process.env.MEDUSA_PORT || "9123"
const origins = `http://127.0.0.1:${port},http://localhost:${port}`

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    databaseLogging: false,
    // The private PostgreSQL instance listens on loopback without TLS.
    databaseDriverOptions: { connection: { ssl: false } },
    http: {
      storeCors: process.env.STORE_CORS || origins,
      adminCors: process.env.ADMIN_CORS || origins,
      authCors: process.env.AUTH_CORS || origins,
      jwtSecret: process.env.JWT_SECRET || "procure-test-jwt-secret",
      cookieSecret: process.env.COOKIE_SECRET || "procure-test-cookie-secret",
    },
  },
  admin: {
    disable: true,
  },
})
