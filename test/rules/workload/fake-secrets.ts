/**
 * Obviously fake credentials in the shapes the detectors recognise. They are assembled at run time so
 * that no file in the repository holds a string a secret scanner would flag.
 */
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** `n` letters and digits that do not repeat a short unit, as the random part of a generated token. */
const randomish = (n: number, seed = 0) => Array.from({ length: n }, (_, i) => ALPHANUMERIC[(i * 7 + seed * 13 + ((i * i) % 5)) % 62]).join('');
const GUID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const HEX32 = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';

const BEGIN = '-----' + 'BEGIN';
const END = '-----' + 'END';

export const fake = {
  privateKey: () => `${BEGIN} RSA ${'PRIVATE'} KEY-----\nMIIEfake${'A'.repeat(56)}\n${'B'.repeat(64)}\n${END} RSA ${'PRIVATE'} KEY-----`,
  /** 64 bytes in base64, the shape of a storage account (and Cosmos DB) key. */
  storageKey: () => 'Fake' + 'Ab1+'.repeat(20) + 'Ab' + '=' + '=',
  storageConnection: () =>
    'DefaultEndpointsProtocol=https;AccountName=fakeacct;Account' + 'Key=' + fake.storageKey() + ';EndpointSuffix=core.windows.net',
  azuriteConnection: () =>
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;Account' + 'Key=' + fake.storageKey() + ';BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
  cosmosConnection: () => 'AccountEndpoint=https://fake.documents.azure.com:443/;Account' + 'Key=' + fake.storageKey() + ';',
  serviceBusConnection: () =>
    'Endpoint=sb://fake.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccess' + 'Key=' + 'Fake' + 'x1Y'.repeat(13) + '=',
  sasUrl: () => 'https://fakeacct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&' + 'sig=' + 'FAKE' + 'a1B2'.repeat(10) + '%3D',
  sqlConnection: () => 'Server=tcp:fake.database.windows.net,1433;Initial Catalog=app;User ID=app;Pass' + 'word=' + 'Fake' + 'Pw-1234;Encrypt=True',
  redisConnection: () => 'fake.redis.cache.windows.net:6380,pass' + 'word=' + 'Fake' + 'r3dis'.repeat(6) + ',ssl=True,abortConnect=False',
  jwt: () => b64url({ alg: 'HS256', typ: 'JWT' }) + '.' + b64url({ sub: 'fake-user', iss: 'fake' }) + '.' + 'fake' + 'Sig0'.repeat(8),
  awsAccessKey: () => 'AKIA' + 'FAKE' + 'X'.repeat(12),
  githubToken: () => 'ghp' + '_' + 'Fake' + 'a1B2'.repeat(8),
  slackToken: () => 'xox' + 'b-' + '000000000-' + 'FAKEfake0000',
  slackWebhook: () => 'https://hooks.slack.com/' + 'services/' + 'TFAKE000/BFAKE000/' + 'FAKEfake0000FAKEfake',
  entraSecret: () => 'Fak' + '8Q' + '~' + 'fake'.repeat(8),
  urlWithPassword: () => 'postgres://app:' + 'fake' + 'Pass1@db.example.com:5432/app',
  urlWithQueryKey: () => 'https://api.example.com/v1/items?api_' + 'key=' + 'fake' + 'K3y'.repeat(6),
  bearer: () => 'Bearer ' + 'fake' + 'T0ken'.repeat(5),
  basicAuth: () => 'Basic ' + Buffer.from('fake-user:' + 'fake' + 'Pass1').toString('base64'),
  functionsUrl: () => 'https://fake-orders.azurewebsites.net/api/orders?co' + 'de=' + 'Fake' + randomish(50, 1) + '==',
  logicAppUrl: () =>
    'https://prod-00.westeurope.logic.azure.com:443/workflows/' + HEX32 + '/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&si' + 'g=' + 'Fake' + randomish(39, 2),
  teamsWebhook: () => 'https://fakeco.webhook.office.com/webhookb2/' + GUID + '@' + GUID + '/Incoming' + 'Webhook/' + HEX32 + '/' + GUID,
  discordWebhook: () => 'https://discord.com/api/' + 'webhooks/' + '112233445566778899/' + 'Fake' + randomish(64, 3),
  gitlabToken: () => 'glp' + 'at-' + 'Fake' + randomish(16, 4),
  stripeKey: () => 'sk' + '_live_' + 'Fake' + randomish(20, 5),
  sendgridKey: () => 'S' + 'G.' + 'Fake' + randomish(18, 6) + '.' + 'Fake' + randomish(39, 7),
  npmToken: () => 'np' + 'm_' + 'Fake' + randomish(32, 8),
} as const;

/** The detector each fake should be recognised by. */
export const EXPECTED_DETECTOR: Record<keyof typeof fake, string | undefined> = {
  privateKey: 'private-key',
  storageKey: 'azure-storage-key',
  storageConnection: 'azure-storage-connection-string',
  azuriteConnection: undefined,
  cosmosConnection: 'azure-cosmos-connection-string',
  serviceBusConnection: 'azure-shared-access-key',
  sasUrl: 'azure-sas-token',
  sqlConnection: 'sql-connection-string',
  redisConnection: 'redis-connection-string',
  jwt: 'jwt',
  awsAccessKey: 'aws-access-key',
  githubToken: 'github-token',
  slackToken: 'slack-token',
  slackWebhook: 'slack-webhook',
  entraSecret: 'azure-ad-client-secret',
  urlWithPassword: 'url-credentials',
  urlWithQueryKey: 'url-query-secret',
  bearer: 'bearer-token',
  basicAuth: 'basic-auth',
  functionsUrl: 'azure-functions-key',
  logicAppUrl: 'azure-sas-token',
  teamsWebhook: 'teams-webhook',
  discordWebhook: 'discord-webhook',
  gitlabToken: 'gitlab-token',
  stripeKey: 'stripe-key',
  sendgridKey: 'sendgrid-key',
  npmToken: 'npm-token',
};
