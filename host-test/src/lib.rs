//! Native side of elastic-security: the wasmtime harness that runs the component, the
//! stateful Kibana simulator, the operation table behind the CLI, and the CLI itself.

/// Declares `trait Interface` for a generated world (its `ElasticSecurityPre` and
/// `exports` in scope) and implements it for the world's four exported interfaces.
///
/// The generated `ElasticSecurityPre::instantiate` looks up and type-checks all 14
/// exports again at every instantiation, though `InstancePre` checked them once; an
/// instance made with `InstancePre` and then `Interface::load` for the interface a call
/// uses skips the other three (about 5 µs of a pooled instantiation's 30 µs,
/// measured with `examples/call_loop.rs instantiate-compare`). It reads the world's
/// private export indices, so it is expanded inside the module of each world; a wrong
/// pairing of index and interface does not compile.
macro_rules! interface_loaders {
    // The world's exports in the order `world.wit` declares them.
    () => {
        interface_loaders!(
            interface0 => cases,
            interface1 => case_comments,
            interface2 => case_tags,
            interface3 => connectors,
        );
    };
    ($($field:ident => $module:ident),* $(,)?) => {
        /// One exported interface, loaded on its own (see `interface_loaders!`).
        pub trait Interface: Sized {
            /// This interface's functions in `instance`, a fresh instance of `pre`'s
            /// component.
            fn load<T: 'static>(
                pre: &ElasticSecurityPre<T>,
                store: impl wasmtime::AsContextMut<Data = T>,
                instance: &wasmtime::component::Instance,
            ) -> wasmtime::Result<Self>;
        }
        $(
            impl Interface for exports::automation::elastic_security::$module::Guest {
                fn load<T: 'static>(
                    pre: &ElasticSecurityPre<T>,
                    store: impl wasmtime::AsContextMut<Data = T>,
                    instance: &wasmtime::component::Instance,
                ) -> wasmtime::Result<Self> {
                    pre.indices.$field.load(store, instance)
                }
            }
        )*
    };
}

pub mod api;
pub mod async_harness;
pub mod bench;
pub mod bindings;
pub mod cli;
pub mod harness;
pub mod native;
pub mod ops;
pub mod outbound;
pub mod sim;
