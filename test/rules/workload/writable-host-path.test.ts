import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './writable-host-path.cases.js';

ruleTester(cases.rule, cases);
