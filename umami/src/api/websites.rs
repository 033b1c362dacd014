//! Listing websites: every page, one page, or a search.

use std::collections::HashSet;

use reqwest::Method;

use super::Auth;
use super::de::WebsitesPage;
use super::models::Website;
use crate::client::Client;
use crate::error::{Error, ValidationError};

/// The page size [`Client::websites`] asks for: few requests, small answers.
pub const DEFAULT_WEBSITES_PAGE_SIZE: u64 = 100;

/// A runaway guard for [`WebsitesQuery::all`]: a million websites at the default page size.
const MAX_PAGES: u64 = 10_000;

/// A listing of websites (`GET /websites?page=&pageSize=&search=`), made by
/// [`Client::websites_query`]. End it with [`send`](Self::send) for one page or
/// [`all`](Self::all) for every page.
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// // Every website whose name or domain contains "blog".
/// let blogs = client.websites_query().search("blog").all().await?;
/// // The second page of 10.
/// let page = client.websites_query().page(2).page_size(10).send().await?;
/// println!("{} of {}", page.data.len(), page.count);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until `.send().await` or `.all().await`"]
pub struct WebsitesQuery {
    client: Option<Client>,
    search: Option<String>,
    page: u64,
    page_size: u64,
}

impl WebsitesQuery {
    pub(crate) fn new(client: Option<Client>) -> Self {
        WebsitesQuery {
            client,
            search: None,
            page: 1,
            page_size: DEFAULT_WEBSITES_PAGE_SIZE,
        }
    }

    /// Only websites whose name or domain contains `text` (the server's `search`); a blank
    /// text is not sent. Default: no filter.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }

    /// The page to fetch, from 1; default 1. For [`all`](Self::all), the first page read.
    pub fn page(mut self, page: u64) -> Self {
        self.page = page;
        self
    }

    /// Websites per page, at least 1; default [`DEFAULT_WEBSITES_PAGE_SIZE`] (the server's
    /// own default is 20).
    pub fn page_size(mut self, page_size: u64) -> Self {
        self.page_size = page_size;
        self
    }

    fn check(&self) -> Result<Client, Error> {
        let client = self.client.clone().ok_or_else(super::no_client)?;
        if self.page == 0 {
            return Err(ValidationError::new("page", "pages are numbered from 1").into());
        }
        if self.page_size == 0 {
            return Err(ValidationError::new("page_size", "must be at least 1").into());
        }
        Ok(client)
    }

    async fn fetch(&self, client: &Client, page: u64) -> Result<WebsitesPage, Error> {
        let mut query = vec![
            ("page", page.to_string()),
            ("pageSize", self.page_size.to_string()),
        ];
        if let Some(search) = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            query.push(("search", search.to_owned()));
        }
        let url = client.api_url(&["websites"], &query);
        client
            .api_json_limited(Method::GET, url, Auth::Required, None)
            .await
    }

    /// Fetches the one page.
    ///
    /// # Errors
    /// [`Error::Validation`] for page or page size 0; [`Error::OperationNotAllowed`] on a
    /// self-hosted server before [`login`](Client::login); [`Error::Status`];
    /// [`Error::UnexpectedResponse`]; [`Error::Transport`].
    pub async fn send(self) -> Result<WebsitesPage, Error> {
        let client = self.check()?;
        self.fetch(&client, self.page).await
    }

    /// Fetches pages from [`page`](Self::page) on until every website is read: until the
    /// server's `count` is reached or a page comes back empty. A server that ignores `page`
    /// (and repeats itself) stops the loop instead of looping forever.
    ///
    /// # Errors
    /// As [`send`](Self::send), for any page; [`Error::UnexpectedResponse`] if the server
    /// keeps sending new websites past 10 000 pages.
    pub async fn all(self) -> Result<Vec<Website>, Error> {
        let client = self.check()?;
        let skipped = (self.page - 1).saturating_mul(self.page_size);
        let mut websites: Vec<Website> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for page in self.page..self.page.saturating_add(MAX_PAGES) {
            let answer = self.fetch(&client, page).await?;
            if answer.data.is_empty() {
                return Ok(websites);
            }
            let before = websites.len();
            for site in answer.data {
                // Id-less entries (a very tolerant read) cannot be told apart: keep them all.
                if site.id.is_empty() || seen.insert(site.id.clone()) {
                    websites.push(site);
                }
            }
            let read = skipped.saturating_add(websites.len() as u64);
            if websites.len() == before || read >= answer.count {
                return Ok(websites);
            }
        }
        Err(Error::UnexpectedResponse(format!(
            "the server kept sending websites for {MAX_PAGES} pages; stopped reading"
        )))
    }
}

impl Client {
    /// Every website the user (or the Cloud key) can see, across all pages
    /// (`GET /websites`, [`DEFAULT_WEBSITES_PAGE_SIZE`] per page).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.login("admin", "umami").await?;
    /// for site in client.websites().await? {
    ///     println!("{}  {}", site.id, site.name);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`WebsitesQuery::all`].
    pub async fn websites(&self) -> Result<Vec<Website>, Error> {
        self.websites_query().all().await
    }

    /// One page of websites: `page` from 1, `page_size` at least 1.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let page = client.websites_page(2, 50).await?;
    /// println!("page {} has {} of {} websites", page.page, page.data.len(), page.count);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`WebsitesQuery::send`].
    pub async fn websites_page(&self, page: u64, page_size: u64) -> Result<WebsitesPage, Error> {
        self.websites_query()
            .page(page)
            .page_size(page_size)
            .send()
            .await
    }

    /// A website listing with options (search, page, page size); see [`WebsitesQuery`].
    pub fn websites_query(&self) -> WebsitesQuery {
        WebsitesQuery::new(Some(self.clone()))
    }
}
