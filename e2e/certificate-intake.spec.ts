/**
 * Certificate intake as an admin does it: real files, made by OpenSSL here, chosen through the
 * real file chooser; "Check certificate", mistakes fixed in place, "Add to inventory". The
 * certificate page must show the thumbprints OpenSSL computes for the same file, and the database
 * must hold the certificate (with its private key sealed, never in the clear).
 */
import fs from 'node:fs';
import pg from 'pg';
import type { Page } from '@playwright/test';
import { E2E_DATA_DIR } from '../playwright.config';
import { OpenSsl, type Made } from './support/openssl';
import { stackDatabaseUrl } from './support/stack-database';
import { expect, signIn, test, USERS } from './fixtures';

const ssl = new OpenSsl('intake');
test.afterAll(() => ssl.remove());

const openssl = (...args: string[]) => ssl.run(...args);
const makeCertificate = (name: string): Made => ssl.makeCertificate('E2E intake', name);
const tmp = (name: string) => ssl.path(name);

async function dbRow(sha1: string) {
  const client = new pg.Client({ connectionString: stackDatabaseUrl(E2E_DATA_DIR) });
  await client.connect();
  try {
    const r = await client.query<{
      subject: string;
      label: string | null;
      region: string | null;
      sha256Thumbprint: string;
      sealedPrivateKey: string | null;
    }>(
      'SELECT subject, label, region, "sha256Thumbprint", "sealedPrivateKey" FROM "Certificate" WHERE "sha1Thumbprint" = $1',
      [sha1],
    );
    return r.rows[0] ?? null;
  } finally {
    await client.end();
  }
}

const form = (page: Page) => page.getByRole('form', { name: 'Upload a certificate' });
const fileInput = (page: Page) => page.locator('#cert-file');
const checkButton = (page: Page) => page.getByRole('button', { name: 'Check certificate' });
const addButton = (page: Page) => page.getByRole('button', { name: 'Add to inventory' });

async function open(page: Page) {
  await signIn(page, USERS.operator, '/certificates/new');
  await expect(page.getByRole('heading', { level: 1, name: 'Add a certificate' })).toBeVisible();
}

/** Adds the checked certificate, then proves the page and the database agree with OpenSSL. */
async function addAndVerify(
  page: Page,
  made: Made,
  want: { label: string | null; region: string | null; sealedKey: boolean },
) {
  await addButton(page).click();
  await expect(page).toHaveURL(/\/certificates\/[0-9a-f-]{36}\?created=1/);
  await expect(page.getByText('Saved to the inventory.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: made.subject })).toBeVisible();
  const main = page.locator('main');
  await expect(main).toContainText(made.sha1);
  await expect(main).toContainText(made.sha256);
  const row = await dbRow(made.sha1);
  expect(row).not.toBeNull();
  expect(row!.subject).toContain(made.subject);
  expect(row!.sha256Thumbprint).toBe(made.sha256);
  expect(row!.label).toBe(want.label);
  expect(row!.region).toBe(want.region);
  if (want.sealedKey) {
    expect(row!.sealedPrivateKey).toBeTruthy();
    // Sealed, not stored in the clear: neither the PEM nor the key's base64 body appears.
    const keyPem = fs.readFileSync(made.key, 'utf8');
    const keyBody = keyPem.split('\n')[1]!;
    expect(row!.sealedPrivateKey).not.toContain('PRIVATE KEY');
    expect(row!.sealedPrivateKey).not.toContain(keyBody);
  } else {
    expect(row!.sealedPrivateKey).toBeNull();
  }
}

test('a PEM with its key keeps file and label through the check and is added with its key sealed, never as a region’s replacement', async ({
  page,
}) => {
  const made = makeCertificate('pem');
  const bundle = tmp('pem-bundle.pem');
  fs.writeFileSync(bundle, fs.readFileSync(made.cert, 'utf8') + fs.readFileSync(made.key, 'utf8'));
  await open(page);
  await fileInput(page).setInputFiles(bundle);
  await expect(page.getByTestId('chosen-file')).toContainText('pem-bundle.pem');
  await form(page).getByLabel('Label').fill('E2E intake PEM');
  // Uploading never makes a certificate a region's replacement: there is no region to fill in.
  await expect(form(page).getByLabel('Region')).toHaveCount(0);
  await checkButton(page).click();
  const results = page.getByRole('list', { name: 'Validation results' });
  await expect(results).toBeVisible();
  await expect(page.getByText('private key (will be encrypted at rest)')).toBeVisible();
  // `openssl req -x509` marks the certificate CA:TRUE; as a connector credential that is normal.
  expect(openssl('x509', '-in', made.cert, '-noout', '-ext', 'basicConstraints')).toContain('CA:TRUE');
  await expect(results).toContainText('Every check passed');
  await expect(results).not.toContainText('CA certificate');
  // The round trip kept everything the admin entered.
  await expect(form(page).getByLabel('Label')).toHaveValue('E2E intake PEM');
  await expect(page.getByTestId('chosen-file')).toContainText('pem-bundle.pem');
  await addAndVerify(page, made, { label: 'E2E intake PEM', region: null, sealedKey: true });
});

test('a DER certificate is added without a key', async ({ page }) => {
  const made = makeCertificate('der');
  const der = tmp('vendor.cer');
  openssl('x509', '-in', made.cert, '-outform', 'DER', '-out', der);
  await open(page);
  await fileInput(page).setInputFiles(der);
  await form(page).getByLabel('Label').fill('E2E intake DER');
  await checkButton(page).click();
  await expect(page.getByRole('list', { name: 'Validation results' })).toBeVisible();
  await expect(form(page).getByLabel('Label')).toHaveValue('E2E intake DER');
  await addAndVerify(page, made, { label: 'E2E intake DER', region: null, sealedKey: false });
});

test('a PFX with a wrong password names the password field; the right one then adds it with its key', async ({
  page,
}) => {
  const made = makeCertificate('pfx');
  const pfx = tmp('vendor.pfx');
  openssl('pkcs12', '-export', '-inkey', made.key, '-in', made.cert, '-out', pfx, '-passout', 'pass:Right-Horse-42');
  await open(page);
  await fileInput(page).setInputFiles(pfx);
  await form(page).getByLabel('Label').fill('E2E intake PFX');
  const password = form(page).getByLabel('PFX password');
  await password.fill('wrong-password');
  await checkButton(page).click();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#cert-password-error')).toContainText('could not be opened with that password');
  await expect(form(page).getByRole('alert')).toContainText('PFX password:');
  await expect(addButton(page)).toHaveCount(0);
  // Nothing was lost: fix the password only.
  await expect(page.getByTestId('chosen-file')).toContainText('vendor.pfx');
  await expect(form(page).getByLabel('Label')).toHaveValue('E2E intake PFX');
  await expect(password).toHaveValue('wrong-password');
  await password.fill('Right-Horse-42');
  await expect(password).not.toHaveAttribute('aria-invalid', 'true');
  await checkButton(page).click();
  await expect(page.getByText('private key (will be encrypted at rest)')).toBeVisible();
  await addAndVerify(page, made, { label: 'E2E intake PFX', region: null, sealedKey: true });
});

test('a file that is not a certificate names the file field; choosing a good one then adds it', async ({ page }) => {
  const made = makeCertificate('fixed');
  const bad = tmp('notes.pem');
  fs.writeFileSync(bad, 'these are meeting notes, not a certificate\n');
  await open(page);
  await form(page).getByLabel('Label').fill('E2E intake fixed');
  await fileInput(page).setInputFiles(bad);
  await checkButton(page).click();
  await expect(fileInput(page)).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#cert-file-error')).toContainText('notes.pem');
  await expect(form(page).getByRole('alert')).toContainText('Certificate file:');
  await expect(form(page).getByLabel('Label')).toHaveValue('E2E intake fixed');
  await fileInput(page).setInputFiles(made.cert);
  await expect(page.locator('#cert-file-error')).toHaveCount(0);
  await checkButton(page).click();
  await expect(page.getByRole('list', { name: 'Validation results' })).toBeVisible();
  await addAndVerify(page, made, { label: 'E2E intake fixed', region: null, sealedKey: false });
});

test('an 8 MiB file gets the size and the limit before anything is sent, never an error page', async ({ page }) => {
  const big = tmp('huge.pfx');
  fs.writeFileSync(big, Buffer.alloc(8 * 1024 * 1024, 0x41));
  const bigCsv = tmp('tenants.csv');
  fs.writeFileSync(
    bigCsv,
    `tenant,name\n${'contoso.onmicrosoft.com,Contoso\n'.repeat(Math.ceil((8 * 1024 * 1024) / 32))}`.slice(
      0,
      8 * 1024 * 1024,
    ),
  );
  await open(page);
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') posts.push(r.url());
  });
  await fileInput(page).setInputFiles(big);
  await expect(page.locator('#cert-file-error')).toHaveText(
    '"huge.pfx": the file is 8 MiB; the limit is 1 MiB. A certificate, PFX or chain is a few KiB: check the file.',
  );
  await expect(checkButton(page)).toBeDisabled();

  // The tenant CSV (5 MiB).
  await page.goto('/tenants/new');
  const csvForm = page.getByRole('form', { name: 'Import tenants from CSV' });
  await csvForm.getByLabel('CSV file').setInputFiles(bigCsv);
  await csvForm.getByRole('button', { name: 'Import tenants' }).click();
  await expect(csvForm.locator('#import-file-error')).toHaveText(
    '"tenants.csv": the file is 8 MiB; the limit is 5 MiB.',
  );
  await expect(page.getByRole('heading', { level: 1 })).not.toContainText(/failed|error/i);
  expect(posts, 'nothing was sent').toEqual([]);
});

test('a NUL in the label is an error on the Label field and nothing is written', async ({ page }) => {
  const made = makeCertificate('nul-label');
  await open(page);
  await fileInput(page).setInputFiles(made.cert);
  await form(page).getByLabel('Label').fill('Litware\u0000 2027');
  await checkButton(page).click();
  await expect(form(page).getByLabel('Label')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#cert-label-error')).toHaveText('This contains a NUL character (U+0000); remove it.');
  await expect(form(page).getByRole('alert')).toContainText('Label:');
  // Fix the label: the file is still chosen, the check passes, and only now is it stored.
  expect(await dbRow(made.sha1)).toBeNull();
  await form(page).getByLabel('Label').fill('Litware 2027');
  await checkButton(page).click();
  await addAndVerify(page, made, { label: 'Litware 2027', region: null, sealedKey: false });
});
