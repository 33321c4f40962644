/**
 * Seeds a fleet of the given size straight into PostgreSQL with set-based SQL (generate_series),
 * for the fleet-scale benchmark: 10,000 tenants / 30,000 connectors take a few seconds.
 * Status mix resembles the incident: ~10 % compromised, a few targeted, some expiring/expired.
 * The fleet counts (TenantConnectorSummary, FleetConnectorCount, FleetTenantCount) are filled by
 * their triggers at COMMIT, as for any other writer.
 */
import pg from 'pg';

export async function seedLargeFleet(
  databaseUrl: string,
  tenants: number,
  connectorsPerTenant = 3,
): Promise<{ tenants: number; connectors: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`
      INSERT INTO "ConnectorType" (id, name, vendor, description)
      VALUES (gen_random_uuid(), 'Mailbox Archive Sync', 'bench', ''), (gen_random_uuid(), 'Continuity Monitor', 'bench', ''), (gen_random_uuid(), 'Internal Mail Protection', 'bench', '')
      ON CONFLICT (name) DO NOTHING`);
    await client.query(`
      INSERT INTO "Certificate" (id, "sha1Thumbprint", "sha256Thumbprint", "serialNumber", subject, issuer, "notBefore", "notAfter", "keyType", "keySize", "signatureAlgorithm", der, source)
      SELECT gen_random_uuid(), upper(md5('bench-sha1-' || i)) || '00000000', upper(md5('a' || i) || md5('b' || i)), upper(md5('s' || i)), 'CN=Bench Vendor ' || i, 'CN=Bench CA',
             now() - interval '300 days', now() + (i * interval '20 days') - interval '40 days', 'RSA', 2048, 'sha256WithRSAEncryption', '\\x00', 'discovered'
      FROM generate_series(1, 8) AS i
      ON CONFLICT DO NOTHING`);
    await client.query(
      `INSERT INTO "Tenant" (id, "entraTenantId", "displayName", "defaultDomain", region, "group", "consentState", "signInLogState", "lastScanAt", "updatedAt")
       SELECT gen_random_uuid(), gen_random_uuid(), 'Bench ' || lpad(i::text, 5, '0') || ' ' || (ARRAY['Contoso','Fabrikam','Northwind','Tailspin','Woodgrove'])[1 + i % 5] || ' Ltd',
              'bench' || i || '.onmicrosoft.com', (ARRAY['EU','US','UK','APAC'])[1 + i % 4], 'msp-' || (i % 25), 'consented', 'available', now(), now()
       FROM generate_series(1, $1::int) AS i`,
      [tenants],
    );
    await client.query(
      `INSERT INTO "Connector" (id, "tenantId", "connectorTypeId", "displayName", "appId", "appObjectId", "currentCertificateId", status, "updatedAt")
       SELECT gen_random_uuid(), t.id, ct.id, ct.name, gen_random_uuid()::text, gen_random_uuid()::text,
              (SELECT id FROM "Certificate" ORDER BY "sha1Thumbprint" OFFSET (abs(hashtext(t.id::text || ct.name)) % 8) LIMIT 1),
              (CASE WHEN abs(hashtext(t.id::text || ct.name)) % 1000 < 5 THEN 'targeted'
                    WHEN abs(hashtext(t.id::text || ct.name)) % 100 < 10 THEN 'compromised'
                    WHEN abs(hashtext(t.id::text || ct.name)) % 100 < 13 THEN 'expired'
                    WHEN abs(hashtext(t.id::text || ct.name)) % 100 < 20 THEN 'expiring'
                    WHEN abs(hashtext(t.id::text || ct.name)) % 100 < 22 THEN 'drift'
                    WHEN abs(hashtext(t.id::text || ct.name)) % 100 < 26 THEN 'stale'
                    ELSE 'healthy' END)::"ConnectorStatus",
              now()
       FROM "Tenant" t
       CROSS JOIN LATERAL (SELECT * FROM "ConnectorType" ORDER BY name LIMIT $1::int) ct
       WHERE t."displayName" LIKE 'Bench %'`,
      [connectorsPerTenant],
    );
    await client.query('COMMIT');
    // What autovacuum does within a minute of a bulk load: planner statistics, and the dead row
    // versions the commit-time fleet-count triggers left behind cleared (prisma/migrations/*_fleet_counts).
    await client.query('VACUUM ANALYZE');
    const t = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Tenant"`);
    const c = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Connector"`);
    return { tenants: Number(t.rows[0]!.n), connectors: Number(c.rows[0]!.n) };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}
