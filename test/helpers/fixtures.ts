// The sample link the API tests create: cPanel's reference values, with the test's own token.
export const sampleLink = (token: string) => ({
  user: 'alice',
  app: 'WHMCS_billing',
  implements: 'billing',
  label: 'WHMCS Billing',
  subscriber_unique_id: '1234',
  token,
  autologin_token_url: 'https://billing.example.com/cpanel/autologin.php',
  url: 'https://billing.example.com/',
});
