// Seeds procure's Medusa 2 test server through its public HTTP API only
// (admin API for the catalogue and configuration, store/auth API for the
// customers), then prints `KEY=value` lines for tests/medusa/.run/env.
//
// Usage: node seed.mjs  (env: MEDUSA_URL, MEDUSA_ADMIN_EMAIL, MEDUSA_ADMIN_PASSWORD,
//                        MEDUSA_CUSTOMER_EMAIL, MEDUSA_CUSTOMER_PASSWORD,
//                        MEDUSA_OTHER_CUSTOMER_EMAIL, MEDUSA_OTHER_CUSTOMER_PASSWORD)
// Progress goes to stderr; the env lines go to stdout.

const URL_BASE = (process.env.MEDUSA_URL || "http://127.0.0.1:9123").replace(/\/$/, "")
const ADMIN_EMAIL = must("MEDUSA_ADMIN_EMAIL")
const ADMIN_PASSWORD = must("MEDUSA_ADMIN_PASSWORD")
const CUSTOMER_EMAIL = must("MEDUSA_CUSTOMER_EMAIL")
const CUSTOMER_PASSWORD = must("MEDUSA_CUSTOMER_PASSWORD")
const OTHER_EMAIL = must("MEDUSA_OTHER_CUSTOMER_EMAIL")
const OTHER_PASSWORD = must("MEDUSA_OTHER_CUSTOMER_PASSWORD")

function must(name) {
  const v = process.env[name]
  if (!v) {
    throw new Error(`environment variable ${name} is required`)
  }
  return v
}

function log(msg) {
  process.stderr.write(`  seed: ${msg}\n`)
}

async function api(method, path, { body, token, pk } = {}) {
  const headers = { accept: "application/json" }
  if (body !== undefined) headers["content-type"] = "application/json"
  if (token) headers.authorization = `Bearer ${token}`
  if (pk) headers["x-publishable-api-key"] = pk
  const res = await fetch(URL_BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json
  try {
    json = text ? JSON.parse(text) : {}
  } catch {
    json = { raw: text }
  }
  if (!res.ok) {
    throw new Error(`${method} ${path} -> HTTP ${res.status}: ${text.slice(0, 2000)}`)
  }
  return json
}

// ---------------------------------------------------------------------------
// Catalogue: realistic B2B articles. `sku` is the manufacturer type number;
// `price` is the list price in EUR (major units, net); `group` is the
// contract price for the customer group (price list), where there is one;
// `stock` is the quantity on hand at the warehouse.
// ---------------------------------------------------------------------------
const CATALOGUE = [
  // Bearings
  { title: "Rillenkugellager 6205-2RSH/C3", brand: "SKF", category: "Wälzlager", variants: [{ sku: "6205-2RSH/C3", price: 8.45, group: 7.1, stock: 480 }] },
  { title: "Rillenkugellager 6204-2Z/C3", brand: "SKF", category: "Wälzlager", variants: [{ sku: "6204-2Z/C3", price: 6.9, group: 5.95, stock: 350 }] },
  { title: "Rillenkugellager 6305-2RS1", brand: "SKF", category: "Wälzlager", variants: [{ sku: "6305-2RS1", price: 12.8, stock: 120 }] },
  { title: "Rillenkugellager 6006-2RS1", brand: "SKF", category: "Wälzlager", variants: [{ sku: "6006-2RS1", price: 9.15, stock: 200 }] },
  { title: "Pendelrollenlager 22210 E", brand: "SKF", category: "Wälzlager", variants: [{ sku: "22210 E", price: 68.4, stock: 3 }] },
  { title: "Zylinderrollenlager NU 206 ECP", brand: "SKF", category: "Wälzlager", variants: [{ sku: "NU 206 ECP", price: 41.2, stock: 0 }] },
  // Fasteners (packs of 100)
  {
    title: "Sechskantschraube DIN 933 A2-70 (VPE 100)", brand: "Würth", category: "Befestigungstechnik", option: "Abmessung",
    variants: [
      { sku: "DIN 933 M8x25 A2-70", value: "M8x25", price: 14.9, group: 12.4, stock: 2500 },
      { sku: "DIN 933 M8x30 A2-70", value: "M8x30", price: 16.2, stock: 1800 },
      { sku: "DIN 933 M10x40 A2-70", value: "M10x40", price: 27.5, group: 23.9, stock: 900 },
    ],
  },
  {
    title: "Zylinderschraube ISO 4762 12.9 (VPE 100)", brand: "Würth", category: "Befestigungstechnik", option: "Abmessung",
    variants: [
      { sku: "ISO 4762 M5x16 12.9", value: "M5x16", price: 7.8, stock: 3000 },
      { sku: "ISO 4762 M6x20 12.9", value: "M6x20", price: 9.6, stock: 2200 },
    ],
  },
  { title: "Sechskantmutter DIN 934 M8 A2 (VPE 100)", brand: "Würth", category: "Befestigungstechnik", variants: [{ sku: "DIN 934 M8 A2", price: 5.4, stock: 4000 }] },
  { title: "Unterlegscheibe DIN 125 A 8,4 A2 (VPE 100)", brand: "Würth", category: "Befestigungstechnik", variants: [{ sku: "DIN 125 A 8,4 A2", price: 3.1, stock: 5000 }] },
  { title: "Schlauchschelle DIN 3017 W2 12-22/9 (VPE 50)", brand: "Norma", category: "Befestigungstechnik", variants: [{ sku: "DIN 3017 W2 12-22/9", price: 18.75, stock: 300 }] },
  // Switchgear
  { title: "Schütz SIRIUS 3RT2015-1BB41, 3 kW, 24 V DC", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "3RT2015-1BB41", price: 38.9, group: 31.5, stock: 64 }] },
  { title: "Schütz SIRIUS 3RT2016-1AP01, 4 kW, 230 V AC", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "3RT2016-1AP01", price: 36.5, stock: 40 }] },
  { title: "Schütz SIRIUS 3RT2026-1BB40, 7,5 kW, 24 V DC", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "3RT2026-1BB40", price: 89.0, stock: 18 }] },
  { title: "Überlastrelais 3RU2116-1GB0, 4,5-6,3 A", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "3RU2116-1GB0", price: 42.1, stock: 25 }] },
  { title: "Leistungsschalter 3RV2011-1EA10, 2,8-4 A", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "3RV2011-1EA10", price: 64.3, stock: 30 }] },
  { title: "Leitungsschutzschalter 5SL6116-7, B16", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "5SL6116-7", price: 6.85, stock: 600 }] },
  { title: "FI-Schutzschalter 5SV3344-6, 40 A, 30 mA", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "5SV3344-6", price: 79.0, stock: 22 }] },
  { title: "Schütz TeSys D LC1D09BD, 24 V DC", brand: "Schneider Electric", category: "Schaltgeräte", variants: [{ sku: "LC1D09BD", price: 52.0, stock: 35 }] },
  { title: "Koppelrelais 40.52.9.024.0000, 24 V DC", brand: "Finder", category: "Schaltgeräte", variants: [{ sku: "40.52.9.024.0000", price: 7.35, stock: 150 }] },
  { title: "NH-Sicherungseinsatz NH00 gG 63 A", brand: "Siemens", category: "Schaltgeräte", variants: [{ sku: "3NA3822", price: 4.2, stock: 240 }] },
  // Automation
  { title: "SIMATIC S7-1200 CPU 1214C DC/DC/DC", brand: "Siemens", category: "Automatisierung", variants: [{ sku: "6ES7214-1AG40-0XB0", price: 389.0, group: 339.0, stock: 7 }] },
  { title: "SITOP PSU100S 24 V / 5 A", brand: "Siemens", category: "Automatisierung", variants: [{ sku: "6EP1333-2BA20", price: 142.0, stock: 12 }] },
  { title: "Durchgangsreihenklemme UT 2,5", brand: "Phoenix Contact", category: "Automatisierung", variants: [{ sku: "3044076", price: 0.72, stock: 10000 }] },
  { title: "Induktiver Sensor IME12-04BPSZC0S", brand: "SICK", category: "Sensorik", variants: [{ sku: "IME12-04BPSZC0S", price: 45.6, stock: 48 }] },
  { title: "Induktiver Sensor NBB4-12GM50-E2", brand: "Pepperl+Fuchs", category: "Sensorik", variants: [{ sku: "NBB4-12GM50-E2", price: 39.9, stock: 55 }] },
  // Pneumatics
  { title: "Rundzylinder DSNU-25-100-PPV-A", brand: "Festo", category: "Pneumatik", variants: [{ sku: "DSNU-25-100-PPV-A", price: 89.5, stock: 14 }] },
  { title: "Magnetventil SY5120-5DZ-01", brand: "SMC", category: "Pneumatik", variants: [{ sku: "SY5120-5DZ-01", price: 54.0, stock: 26 }] },
  {
    title: "Steckverschraubung QS (VPE 10)", brand: "Festo", category: "Pneumatik", option: "Schlauch-AD",
    variants: [
      { sku: "QS-6", value: "6 mm", price: 21.0, stock: 120 },
      { sku: "QS-8", value: "8 mm", price: 23.5, group: 19.9, stock: 140 },
    ],
  },
  // Drive technology, cables, consumables
  { title: "Keilriemen SPZ 1250", brand: "Optibelt", category: "Antriebstechnik", variants: [{ sku: "SPZ 1250", price: 7.4, stock: 90 }] },
  { title: "Zahnriemen HTD 8M-1200-30", brand: "Gates", category: "Antriebstechnik", variants: [{ sku: "HTD 8M-1200-30", price: 48.3, stock: 16 }] },
  { title: "Steuerleitung ÖLFLEX CLASSIC 110 3G1,5 (pro m)", brand: "Lapp", category: "Kabel", variants: [{ sku: "1119303", price: 1.45, stock: 5000 }] },
  { title: "Kabelbinder T50R-PA66-NA (VPE 100)", brand: "HellermannTyton", category: "Kabel", variants: [{ sku: "111-00833", price: 3.95, stock: 800 }] },
  { title: "Schraubensicherung LOCTITE 243, 50 ml", brand: "Henkel", category: "Betriebsstoffe", variants: [{ sku: "1335884", price: 19.9, stock: 60 }] },
  { title: "Wälzlagerfett LGMT 2/1, 1 kg", brand: "SKF", category: "Betriebsstoffe", variants: [{ sku: "LGMT 2/1", price: 24.5, stock: 45 }] },
]

function handleOf(title) {
  return title
    .toLowerCase()
    .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
}

async function main() {
  // --- admin login -------------------------------------------------------
  log(`admin login ${ADMIN_EMAIL}`)
  const { token: admin } = await api("POST", "/auth/user/emailpass", {
    body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  })
  const A = { token: admin }

  // --- store, sales channel, publishable key -----------------------------
  const { stores } = await api("GET", "/admin/stores", A)
  const store = stores[0]
  const { sales_channel: sc } = await api("POST", "/admin/sales-channels", {
    ...A,
    body: { name: "procure B2B", description: "B2B-Shop für procure" },
  })
  log(`sales channel ${sc.id}`)
  const { api_key: key } = await api("POST", "/admin/api-keys", {
    ...A,
    body: { title: "procure publishable key", type: "publishable" },
  })
  await api("POST", `/admin/api-keys/${key.id}/sales-channels`, { ...A, body: { add: [sc.id] } })
  const pk = key.token
  log(`publishable key ${key.id}`)

  // --- region + tax --------------------------------------------------------
  const { region } = await api("POST", "/admin/regions", {
    ...A,
    body: {
      name: "Deutschland",
      currency_code: "eur",
      countries: ["de"],
      automatic_taxes: true,
      is_tax_inclusive: false,
      payment_providers: ["pp_system_default"],
    },
  })
  log(`region ${region.id}`)
  await api("POST", "/admin/tax-regions", {
    ...A,
    body: {
      country_code: "de",
      provider_id: "tp_system",
      default_tax_rate: { name: "MwSt. 19 %", code: "DE19", rate: 19 },
    },
  })
  // Deliberately no default_region_id: a store request that needs prices but
  // names no region_id (or cart_id) must fail instead of silently falling
  // back to a store default (see API.md).
  await api("POST", `/admin/stores/${store.id}`, {
    ...A,
    body: { name: "procure Testshop", default_sales_channel_id: sc.id },
  })

  // --- stock location, fulfillment ----------------------------------------
  const { stock_location: loc } = await api("POST", "/admin/stock-locations", {
    ...A,
    body: {
      name: "Zentrallager Hamburg",
      address: { address_1: "Am Lagerhaus 5", city: "Hamburg", postal_code: "20457", country_code: "de" },
    },
  })
  log(`stock location ${loc.id}`)
  await api("POST", `/admin/stock-locations/${loc.id}/sales-channels`, { ...A, body: { add: [sc.id] } })
  await api("POST", `/admin/stock-locations/${loc.id}/fulfillment-providers`, {
    ...A,
    body: { add: ["manual_manual"] },
  })
  const fsRes = await api("POST", `/admin/stock-locations/${loc.id}/fulfillment-sets?fields=*fulfillment_sets`, {
    ...A,
    body: { name: "Versand ab Hamburg", type: "shipping" },
  })
  const fset = fsRes.stock_location.fulfillment_sets.find((f) => f.name === "Versand ab Hamburg")
  const zoneRes = await api("POST", `/admin/fulfillment-sets/${fset.id}/service-zones`, {
    ...A,
    body: { name: "Deutschland", geo_zones: [{ type: "country", country_code: "de" }] },
  })
  const zone = zoneRes.fulfillment_set.service_zones.find((z) => z.name === "Deutschland")
  const { shipping_profiles } = await api("GET", "/admin/shipping-profiles?type=default", A)
  const profile = shipping_profiles[0]
  const shippingRules = [
    { attribute: "enabled_in_store", value: "true", operator: "eq" },
    { attribute: "is_return", value: "false", operator: "eq" },
  ]
  const shippingOptions = []
  for (const [name, code, amount] of [
    ["Standardversand (DHL)", "standard", 9.9],
    ["Expressversand (24 h)", "express", 24.9],
  ]) {
    const { shipping_option } = await api("POST", "/admin/shipping-options", {
      ...A,
      body: {
        name,
        service_zone_id: zone.id,
        shipping_profile_id: profile.id,
        provider_id: "manual_manual",
        price_type: "flat",
        type: { label: name, description: name, code },
        prices: [
          { currency_code: "eur", amount },
          { region_id: region.id, amount },
        ],
        rules: shippingRules,
      },
    })
    shippingOptions.push({ id: shipping_option.id, name, amount })
  }
  log(`shipping options ${shippingOptions.map((s) => s.id).join(", ")}`)

  // --- products ------------------------------------------------------------
  const create = CATALOGUE.map((p) => {
    const optionTitle = p.option || "Ausführung"
    const values = p.variants.map((v) => v.value || "Standard")
    return {
      title: p.title,
      handle: handleOf(p.title),
      status: "published",
      description: `${p.brand} ${p.title}`,
      subtitle: p.brand,
      discountable: true,
      shipping_profile_id: profile.id,
      sales_channels: [{ id: sc.id }],
      metadata: { brand: p.brand, category: p.category },
      options: [{ title: optionTitle, values }],
      variants: p.variants.map((v) => ({
        title: v.value || p.title,
        sku: v.sku,
        manage_inventory: true,
        allow_backorder: false,
        options: { [optionTitle]: v.value || "Standard" },
        prices: [{ currency_code: "eur", amount: v.price }],
      })),
    }
  })
  const { created } = await api(
    "POST",
    "/admin/products/batch?fields=id,title,handle,*variants",
    { ...A, body: { create } },
  )
  const variantBySku = new Map()
  for (const p of created) {
    for (const v of p.variants) variantBySku.set(v.sku, { ...v, product_id: p.id, product_title: p.title })
  }
  const allVariants = CATALOGUE.flatMap((p) => p.variants)
  if (variantBySku.size !== allVariants.length) {
    throw new Error(`expected ${allVariants.length} variants, got ${variantBySku.size}`)
  }
  log(`${created.length} products, ${variantBySku.size} variants`)

  // --- inventory -------------------------------------------------------------
  const inv = await api("GET", "/admin/inventory-items?limit=500&fields=id,sku", A)
  const itemBySku = new Map(inv.inventory_items.map((i) => [i.sku, i.id]))
  const levels = allVariants.map((v) => {
    const id = itemBySku.get(v.sku)
    if (!id) throw new Error(`no inventory item for SKU ${v.sku}`)
    return { inventory_item_id: id, location_id: loc.id, stocked_quantity: v.stock }
  })
  await api("POST", "/admin/inventory-items/location-levels/batch", { ...A, body: { create: levels } })
  log(`stock levels for ${levels.length} inventory items`)

  // --- customer group + price list -----------------------------------------
  const { customer_group: group } = await api("POST", "/admin/customer-groups", {
    ...A,
    body: { name: "Rahmenvertrag A", metadata: { contract: "RV-2025-017" } },
  })
  const groupPrices = allVariants
    .filter((v) => v.group !== undefined)
    .map((v) => ({ variant_id: variantBySku.get(v.sku).id, currency_code: "eur", amount: v.group }))
  const { price_list: priceList } = await api("POST", "/admin/price-lists", {
    ...A,
    body: {
      title: "Rahmenvertrag A",
      description: "Vertragspreise für Kunden mit Rahmenvertrag A",
      type: "override",
      status: "active",
      rules: { "customer.groups.id": [group.id] },
      prices: groupPrices,
    },
  })
  log(`customer group ${group.id}, price list ${priceList.id} (${groupPrices.length} prices)`)

  // --- customers (store API) ------------------------------------------------
  async function registerCustomer(email, password, profileBody) {
    const { token: regToken } = await api("POST", "/auth/customer/emailpass/register", {
      body: { email, password },
    })
    const { customer } = await api("POST", "/store/customers", {
      token: regToken,
      pk,
      body: { email, ...profileBody },
    })
    return customer
  }
  const customer = await registerCustomer(CUSTOMER_EMAIL, CUSTOMER_PASSWORD, {
    first_name: "Anna",
    last_name: "Müller",
    company_name: "Müller Maschinenbau GmbH",
    phone: "+49 40 1234567",
  })
  // A default address, added with the customer's own (login) token.
  const { token: custToken } = await api("POST", "/auth/customer/emailpass", {
    body: { email: CUSTOMER_EMAIL, password: CUSTOMER_PASSWORD },
  })
  await api("POST", "/store/customers/me/addresses", {
    token: custToken,
    pk,
    body: {
      address_name: "Werk 1",
      company: "Müller Maschinenbau GmbH",
      first_name: "Anna",
      last_name: "Müller",
      address_1: "Industriestraße 12",
      city: "Hamburg",
      postal_code: "20097",
      country_code: "de",
      phone: "+49 40 1234567",
      is_default_shipping: true,
      is_default_billing: true,
    },
  })
  await api("POST", `/admin/customer-groups/${group.id}/customers`, { ...A, body: { add: [customer.id] } })
  log(`customer ${customer.id} (${CUSTOMER_EMAIL}) in group ${group.id}`)
  const other = await registerCustomer(OTHER_EMAIL, OTHER_PASSWORD, {
    first_name: "Jonas",
    last_name: "Weber",
    company_name: "Weber Elektrotechnik KG",
  })
  log(`customer ${other.id} (${OTHER_EMAIL}) without group`)

  // --- env output -------------------------------------------------------------
  const env = []
  const put = (k, v) => env.push([k, String(v)])
  put("MEDUSA_PUBLISHABLE_KEY", pk)
  put("MEDUSA_REGION_ID", region.id)
  put("MEDUSA_SALES_CHANNEL_ID", sc.id)
  put("MEDUSA_STOCK_LOCATION_ID", loc.id)
  put("MEDUSA_SHIPPING_OPTION_ID", shippingOptions[0].id)
  put("MEDUSA_SHIPPING_OPTION_AMOUNT", shippingOptions[0].amount)
  put("MEDUSA_EXPRESS_SHIPPING_OPTION_ID", shippingOptions[1].id)
  put("MEDUSA_EXPRESS_SHIPPING_OPTION_AMOUNT", shippingOptions[1].amount)
  put("MEDUSA_TAX_RATE", 19)
  put("MEDUSA_CUSTOMER_ID", customer.id)
  put("MEDUSA_CUSTOMER_GROUP_ID", group.id)
  put("MEDUSA_PRICE_LIST_ID", priceList.id)
  put("MEDUSA_OTHER_CUSTOMER_ID", other.id)
  put("MEDUSA_PRODUCT_COUNT", created.length)
  put("MEDUSA_VARIANT_COUNT", variantBySku.size)
  const withGroup = allVariants.filter((v) => v.group !== undefined)
  withGroup.forEach((v, i) => {
    const n = i + 1
    const variant = variantBySku.get(v.sku)
    put(`MEDUSA_SKU_${n}`, v.sku)
    put(`MEDUSA_SKU_${n}_VARIANT_ID`, variant.id)
    put(`MEDUSA_SKU_${n}_PRODUCT_ID`, variant.product_id)
    put(`MEDUSA_SKU_${n}_LIST_PRICE`, v.price)
    put(`MEDUSA_SKU_${n}_GROUP_PRICE`, v.group)
    put(`MEDUSA_SKU_${n}_STOCK`, v.stock)
  })
  put("MEDUSA_GROUP_PRICED_SKU_COUNT", withGroup.length)
  const plain = allVariants.find((v) => v.sku === "6305-2RS1")
  put("MEDUSA_PLAIN_SKU", plain.sku)
  put("MEDUSA_PLAIN_SKU_VARIANT_ID", variantBySku.get(plain.sku).id)
  put("MEDUSA_PLAIN_SKU_LIST_PRICE", plain.price)
  const low = allVariants.find((v) => v.sku === "22210 E")
  put("MEDUSA_LOW_STOCK_SKU", low.sku)
  put("MEDUSA_LOW_STOCK_SKU_VARIANT_ID", variantBySku.get(low.sku).id)
  put("MEDUSA_LOW_STOCK_SKU_STOCK", low.stock)
  const oos = allVariants.find((v) => v.stock === 0)
  put("MEDUSA_OUT_OF_STOCK_SKU", oos.sku)
  put("MEDUSA_OUT_OF_STOCK_SKU_VARIANT_ID", variantBySku.get(oos.sku).id)

  const quote = (v) => (/^[A-Za-z0-9_.,:\/@+=-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`)
  process.stdout.write(env.map(([k, v]) => `${k}=${quote(v)}\n`).join(""))
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${err.stack || err}\n`)
  process.exit(1)
})
