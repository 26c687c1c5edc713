// The Store interface: everything linkbroker keeps durably. The file implementation uses
// cPanel's own layout (file-store.ts); a networked store can implement the same interface.

/** Public fields of a link exactly as given to create_integration_link (cPanel stores strings). */
export const LINK_PUBLIC_FIELDS = [
  'autologin_token_url',
  'base64_png_image',
  'group_id',
  'hide',
  'implements',
  'label',
  'order',
  'subscriber_unique_id',
  'url',
] as const;
export type LinkPublicField = (typeof LINK_PUBLIC_FIELDS)[number];

/** The `.userconfig` contents: only the fields that were given. */
export type LinkUserConfig = Partial<Record<LinkPublicField, string>>;

/**
 * A link as a menu needs it: every field but the icon's data, and the content hash of its PNG
 * instead (absent when it has none). Small, so remembered for every link, whatever its icon.
 */
export type LinkSummary = Omit<LinkUserConfig, 'base64_png_image'> & { iconHash?: string };

/** The `group_ID.userconfig` contents. */
export interface GroupConfig {
  label: string;
  order: string;
}

export interface Account {
  user: string;
  domain: string;
  /** Creation time, seconds since the epoch. */
  created: number;
  /**
   * A random identity, so that a later account given the same name is another account (its
   * sessions are not this one's). Absent in account files of older versions.
   */
  id?: string;
}

/** What createAccount did: only 'created' wrote anything. */
export type AccountCreation = 'created' | 'name-taken' | 'domain-taken';

/**
 * Writes are atomic and serialised against every other process using the same data (the file
 * store locks across processes: the server and `whmapi1`); a write that cannot get its turn in
 * time fails with BusyError, to be retried. Reads take no lock.
 */
export interface Store {
  /**
   * Creates the layout if missing and, unless `recover` is false, finishes or discards
   * interrupted writes and removes leftovers (user by user, under the write locks, so it is safe
   * beside a live process; the server does it at start-up). A write settles an interrupted write
   * of its own link anyway.
   */
  init(options?: { recover?: boolean }): Promise<void>;

  getAccount(user: string): Promise<Account | undefined>;
  /**
   * Whether the account's file exists, readable or not: a damaged file is no account to use
   * (getAccount ignores it) but still one to remove, and its name stays taken.
   */
  hasAccountFile(user: string): Promise<boolean>;
  listAccounts(): Promise<Account[]>;
  /**
   * Creates the account unless one of that name, or one with that domain, exists: checked and
   * written as one step against every other creation.
   */
  createAccount(account: Account): Promise<AccountCreation>;
  /** Removes the account with all its links and groups; false when it did not exist. */
  removeAccount(user: string): Promise<boolean>;

  /**
   * Creates or replaces a link whole: both files change together or not at all. False (nothing
   * written) when the account does not exist: checked in turn with removeAccount, so a removal
   * never leaves a link behind for a later account of the same name.
   */
  putLink(user: string, app: string, config: LinkUserConfig, token: string): Promise<boolean>;
  getLink(user: string, app: string): Promise<LinkUserConfig | undefined>;
  /** getLink without the icon's data (see LinkSummary): what menus and listings read. */
  getLinkSummary(user: string, app: string): Promise<LinkSummary | undefined>;
  getLinkToken(user: string, app: string): Promise<string | undefined>;
  /**
   * A click's first read: the link and its token, read now (the token never remembered), with
   * the checks the two reads share made once. Undefined when there is no such link; `token` is
   * undefined when the link has none.
   */
  getLinkForLaunch(
    user: string,
    app: string,
  ): Promise<{ link: LinkUserConfig; token: string | undefined } | undefined>;
  /** Replaces the token of an existing link; false (nothing written) when the link is missing. */
  updateLinkToken(user: string, app: string, token: string): Promise<boolean>;
  /** Removes both files (user file first); false when the link did not exist. */
  removeLink(user: string, app: string): Promise<boolean>;
  /** App names of the user's links, sorted by code point. */
  listLinks(user: string): Promise<string[]>;

  /** Creates or replaces a group; false (nothing written) when the account does not exist. */
  putGroup(user: string, groupId: string, group: GroupConfig): Promise<boolean>;
  getGroup(user: string, groupId: string): Promise<GroupConfig | undefined>;
  removeGroup(user: string, groupId: string): Promise<boolean>;
  /** Group ids of the user's custom groups, sorted by code point. */
  listGroups(user: string): Promise<string[]>;
}

/** Thrown for a name that cannot be a path component, before any file-system call. */
export class StoreNameError extends Error {
  override name = 'StoreNameError';
}

/** Thrown when the on-disk layout is not what the store wrote (a symlink, a non-directory). */
export class StoreIntegrityError extends Error {
  override name = 'StoreIntegrityError';
}
