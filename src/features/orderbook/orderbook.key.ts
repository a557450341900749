/** Registry key of the orderbook feature (one store per connection service); its own module so others can name it cheaply. */
export const ORDERBOOK_FEATURE = 'orderbook.v1';
