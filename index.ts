/** The package root: the core model and the L2 constructs. `import { App, LoadBalancer } from 'albkit'`. */
export * from './lib';
export * from './constructs';
